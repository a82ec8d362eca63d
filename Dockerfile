# syntax=docker/dockerfile:1
# Gatehouse: `docker build -t gatehouse .`, then `docker run -p 8080:8080 -v gatehouse-data:/app/.fides gatehouse`.
# Three stages: `build` compiles dist/ with the dev dependencies, `deps` installs the production dependencies
# alone, and the runtime image takes node_modules from one and dist/ from the other.

# The Node 20 that CI runs. For reproducible builds, add the digest as well
# (`docker buildx imagetools inspect node:20.20.2-bookworm-slim`): NODE_IMAGE=node:20.20.2-bookworm-slim@sha256:…
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No install scripts: the tree needs none (native code such as argon2 comes prebuilt, as optional dependencies), and
# the only ones it has are esbuild's binary check and an analytics ping.
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json mikro-orm.config.ts ./
COPY src ./src
RUN npm run build

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund --ignore-scripts

FROM ${NODE_IMAGE}
WORKDIR /app
# The code belongs to root and is read-only to the server; only the data folder is the server's to write.
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# ./.fides is the default data folder: the embedded database (pglite://./.fides/data), the secrets generated on first
# boot, and fides.toml if you mount one there. On PostgreSQL with every secret configured, nothing is written.
RUN mkdir -p /app/.fides && chown node:node /app/.fides
VOLUME ["/app/.fides"]
# V8's heap, as `npm start` and `npm run start:prod` size it (package.json's config.node_options): old space capped at
# 128 MB and semi-spaces of 8 MB keep a busy server near 150 MB instead of 230 (BENCHMARKS.md). Replace it with
# `-e NODE_OPTIONS=…` for a deployment that raises the caches' sizes.
ENV NODE_OPTIONS="--max-old-space-size=128 --max-semi-space-size=8"
# The base image's `node` user, by number so that Kubernetes' runAsNonRoot can check it without a runAsUser.
USER 1000:1000
EXPOSE 8080
# /health: the process answers (liveness). Readiness, which also asks the database, is /health/ready; the balancer
# and Kubernetes use that one. The image has no curl: Node's own fetch, on the configured port.
HEALTHCHECK --interval=15s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.FIDES__WEBSERVER__PORT || process.env.PORT || 8080) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Node is PID 1 itself (no shell, no npm, not the base image's docker-entrypoint.sh): SIGTERM reaches the server,
# which stops accepting, finishes the requests in flight, closes the database and exits 0. It starts no child
# processes, so it needs no init to reap them; `docker run --init` adds tini if your platform wants one anyway.
ENTRYPOINT []
CMD ["node", "dist/src/server/main.js"]
