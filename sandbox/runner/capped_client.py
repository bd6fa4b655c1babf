"""An nbclient NotebookClient that keeps at most a fixed number of output bytes.

nbclient keeps every output a kernel sends; 50,000 ``display()`` calls or gigabytes of stdout would
grow the runner (and later the host and the database) without bound. Past the cap, outputs are
dropped and one marker says so; error outputs are always kept (capped): they explain a failure.
Widget/comm messages are ignored: grading needs no widgets and their state is unbounded.
"""

from __future__ import annotations

from typing import Any

import zmq
from jupyter_client import AsyncKernelManager
from nbclient import NotebookClient
from nbformat import NotebookNode
from nbformat.v4 import new_output

ERROR_TRACEBACK_CHARS = 20_000
OUTPUT_OVERHEAD = 256  # JSON keys, metadata and indentation nbformat writes around each output
MESSAGE_SLACK = 1024 * 1024  # a kernel message may exceed the whole output budget by this
OUTPUT_TYPES = ("stream", "display_data", "execute_result", "error", "update_display_data")


def _size(content: dict[str, Any]) -> int:
    """Approximate bytes an output adds to the notebook (cheap: no JSON encoding)."""
    size = len(content.get("text") or "")
    for value in (content.get("data") or {}).values():
        size += len(value) if isinstance(value, str) else len(str(value))
    for line in content.get("traceback") or ():
        size += len(line)
    return size + OUTPUT_OVERHEAD


class CappedKernelManager(AsyncKernelManager):
    """Its clients refuse kernel messages over ``max_message_bytes``: ZeroMQ drops such a message
    (and the connection) before allocating it, so a kernel that buffered gigabytes of output
    cannot make the runner allocate them too."""

    max_message_bytes = 8 * 1024 * 1024

    def client(self, **kwargs: Any) -> Any:
        """A client whose sockets all carry the size cap."""
        client = super().client(**kwargs)
        client.context.setsockopt(zmq.MAXMSGSIZE, self.max_message_bytes)
        return client


class CappedNotebookClient(NotebookClient):
    """NotebookClient with an output byte budget shared by the whole notebook."""

    def __init__(self, nb: NotebookNode, output_bytes: int, **kw: Any) -> None:
        super().__init__(nb, kernel_manager_class=CappedKernelManager, **kw)
        self.output_budget = output_bytes
        self.outputs_truncated = False

    def create_kernel_manager(self) -> Any:
        """The manager, with a message cap a little above the whole output budget."""
        manager: Any = super().create_kernel_manager()
        manager.max_message_bytes = self.output_budget + MESSAGE_SLACK
        return manager

    def process_message(
        self, msg: dict[str, Any], cell: NotebookNode, cell_index: int
    ) -> NotebookNode | None:
        """Drop comm traffic and outputs past the budget; hand everything else to nbclient."""
        msg_type = msg.get("msg_type", "")
        if msg_type.startswith("comm"):
            return None
        if msg_type in OUTPUT_TYPES:
            content = msg.get("content") or {}
            if msg_type == "error":
                content["traceback"] = _cap_traceback(content.get("traceback") or [])
            else:
                cost = _size(content)
                if cost > self.output_budget:
                    self._truncate(cell)
                    return None
                self.output_budget -= cost
        return super().process_message(msg, cell, cell_index)

    def _truncate(self, cell: NotebookNode) -> None:
        self.output_budget = 0
        if not self.outputs_truncated:
            self.outputs_truncated = True
            cell.outputs.append(
                new_output(
                    "stream",
                    name="stderr",
                    text="\n[HireLab: output truncated - the outputs exceeded the size cap]\n",
                )
            )


def _cap_traceback(lines: list[str]) -> list[str]:
    kept, total = [], 0
    for line in lines:
        if total + len(line) > ERROR_TRACEBACK_CHARS:
            kept.append("[traceback truncated]")
            break
        kept.append(line)
        total += len(line)
    return kept
