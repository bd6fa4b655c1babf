# HireLab application image: one image for the web app (gunicorn) and the grading workers
# (`flask worker`). The grading sandbox is a separate image (sandbox/image), run by the worker
# through the Docker engine of its machine.
#
#   docker build -t hirelab/app .                                   # where a registry is reachable
#   docker build --build-arg BASE_IMAGE=hirelab/base:bookworm-… -t hirelab/app .   # offline base
#
# BASE_IMAGE needs python3 (3.11+) with venv; the debootstrapped base `python -m
# sandbox.image.build` creates qualifies. pip fetches the dependencies from PyPI at build time, or
# from a wheels/ folder (PIP_OPTIONS below) where PyPI is not reachable from a build.
ARG BASE_IMAGE=python:3.11-slim-bookworm

# Stage 1: the dependencies, in a virtualenv. PIP_OPTIONS: empty to install from PyPI, or
# "--no-index --find-links wheels" to install from a wheels/ folder in the build context (offline
# build, see README "Deployment"); the wheels never reach the final image.
FROM ${BASE_IMAGE} AS dependencies
ARG PIP_OPTIONS=""
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY . /src
RUN python3 -m venv /opt/venv \
 && cd /src && /opt/venv/bin/pip install ${PIP_OPTIONS} ".[prod]" \
 && /opt/venv/bin/pip uninstall -y hirelab

# Stage 2: the virtualenv and the code, run from /srv/hirelab (exercises, rubrics and migrations
# are read next to the app package).
FROM ${BASE_IMAGE}
ENV LANG=C.UTF-8 \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1
COPY --from=dependencies /opt/venv /opt/venv
WORKDIR /srv/hirelab
COPY wsgi.py ./
COPY app app
COPY sandbox sandbox
COPY migrations migrations
COPY exercises exercises
COPY rubrics rubrics

# An unprivileged user (the debootstrapped base has no useradd; a passwd line is all it takes).
# Workers that drive a mounted Docker socket also need the socket's group: see compose.yaml.
RUN echo 'hirelab:x:10002:10002:hirelab:/srv/hirelab/instance:/usr/sbin/nologin' >> /etc/passwd \
 && echo 'hirelab:x:10002:' >> /etc/group \
 && mkdir -p instance && chown 10002:10002 instance

ENV PATH=/opt/venv/bin:/usr/local/bin:/usr/bin:/bin \
    FLASK_APP=wsgi \
    OPENBLAS_NUM_THREADS=1 \
    OMP_NUM_THREADS=1

USER 10002:10002
EXPOSE 8000
# Web by default; the worker service overrides the command with `flask worker`.
CMD ["gunicorn", "--config", "python:app.gunicorn_conf", "wsgi:app"]
