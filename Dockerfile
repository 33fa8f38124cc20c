# Kaizen worker image: `kaizen worker` only. It connects to a Temporal server
# (TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE) and never runs one, so neither Python nor the
# Temporal CLI is installed. Built by docker-compose.yml (service kaizen-worker).
FROM node:20-bookworm-slim

# git: every activity works on git checkouts. tini: see ENTRYPOINT.
# safe.directory: the repositories are bind-mounted from the host and usually belong to
# another uid than the one the worker runs as; git would refuse to touch them otherwise.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates git tini \
 && rm -rf /var/lib/apt/lists/* \
 && git config --system --add safe.directory '*'

# KAIZEN_SKIP_TEMPORAL_INSTALL: the package's `prepare` script would otherwise pip-install
# the Temporal CLI and test server. npm_config_cache: npx needs a writable cache even when
# compose runs the container as an arbitrary uid (KAIZEN_UID).
ENV KAIZEN_SKIP_TEMPORAL_INSTALL=1 \
    npm_config_cache=/tmp/.npm \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

WORKDIR /opt/kaizen

# Dependencies first, so this layer is rebuilt only when the package files change.
# --ignore-scripts: the root `prepare` script imports src/ (not copied yet) before it looks
# at KAIZEN_SKIP_TEMPORAL_INSTALL; `npm rebuild` then runs the dependencies' own install
# scripts (esbuild, @swc/core, protobufjs), which do not need src/.
# --omit=dev: the worker runs src/ with tsx (a runtime dependency); no tests in the image.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts \
 && npm rebuild \
 && rm -rf /tmp/.npm

# What the worker reads at run time: its sources (tsx compiles them on start, and the
# workflow bundle is built from src/workflows), tsconfig.json for tsx, and the default
# ESLint rules in assets/. Owned by root: the worker only reads them.
COPY tsconfig.json ./
COPY assets ./assets
COPY src ./src

# The uid/gid of the `node` user of the base image (1000:1000); compose can override it
# with KAIZEN_UID/KAIZEN_GID to match the owner of the mounted repositories.
USER node

# npx does not pass SIGTERM on to tsx and node, so `docker stop` would leave the worker no
# chance to shut down cleanly. tini -g signals the whole process group instead.
ENTRYPOINT ["/usr/bin/tini", "-g", "--"]
CMD ["npx", "tsx", "src/cli/main.ts", "worker"]
