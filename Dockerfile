# The skill service as a container: `python -m skill serve` (the README's start command) on port 8080,
# as a non-root user, with the health check the server already answers. TLS belongs in front of it
# (docs/deployment.md). Build: docker build -t lump-relief . ; run with a restart policy (docs/operations.md):
# docker run -d --restart unless-stopped -p 8080:8080 -v lump-relief:/data lump-relief
# The base is pinned by digest: python:3.11-slim (Python 3.11.15, Debian trixie) as Docker's official
# image record lists it (docker-library/repo-info, repos/python/remote/3.11-slim.md at commit 2477d553,
# checked 2026-12-05). To take a newer patch release: docs/deployment.md, "Updating the pins".
FROM python:3.11-slim@sha256:90744cff8f32887f075c47d747a173ff333e9e98801667af93c357fa9f5e28ff

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PORT=8080 \
    SKILL_STORE=sqlite:////data/lump-relief.db

WORKDIR /app

# The runtime and the web server only, exactly as locked (versions and hashes): the console's, tests'
# and benchmarks' requirements-dev stays out. Bytecode is compiled once here, for this Python, in
# unchecked-hash mode, so no start compiles anything (the app's user cannot write it anyway).
COPY requirements-lambda.txt requirements.txt requirements-server.txt requirements.lock requirements-server.lock ./
RUN pip install --no-compile --require-hashes -r requirements-server.lock \
 && python -m compileall -q -j 0 --invalidation-mode unchecked-hash "$(python -c 'import sysconfig; print(sysconfig.get_path("purelib"))')"

COPY skill/ skill/
COPY interaction_model/ interaction_model/
RUN python -m compileall -q --invalidation-mode unchecked-hash skill

# A system user with no shell and no home; it may write only /data, where the SQLite store lives.
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin skill \
 && mkdir /data && chown skill /data
USER skill
VOLUME /data
EXPOSE 8080

# /healthz is 200 only while the store is reachable (503 otherwise); slim images have no curl.
HEALTHCHECK --interval=30s --timeout=3s --start-period=10s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '8080') + '/healthz', timeout=2)"]

# Workers default to one per usable core; set WEB_CONCURRENCY to override, SKILL_ID before going live.
CMD ["python", "-m", "skill", "serve"]
