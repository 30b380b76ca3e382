# Build stage: compile TypeScript; runtime stage: production dependencies only, non-root.
# For reproducible builds, pin both FROM lines by digest (node:24-bookworm-slim@sha256:...).
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# No dependency needs an install script to build (TypeScript 7 ships its compiler as an
# optional per-platform package); skipping them keeps dev tools' native builds out.
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY alerters ./alerters
RUN npm run build

FROM node:24-bookworm-slim
# The ops server (metrics, /healthz, /readyz, status page; port 9477 unless ops_port or
# LOGWARDEN_OPS_PORT say otherwise) must be reachable from outside the container for probes and
# scraping; outside containers it binds loopback by default. The environment wins over config.yaml.
ENV NODE_ENV=production LOGWARDEN_OPS_BIND=0.0.0.0
WORKDIR /app
COPY package.json package-lock.json ./
# Production dependencies have no install scripts; refusing them all is cheaper than auditing.
# The optional ones (testcontainers, to start Elasticsearch in Docker for the demo and `logwarden
# test`) are left out: the image connects to a configured cluster and never provisions one.
RUN npm ci --omit=dev --omit=optional --no-audit --no-fund --ignore-scripts && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY bin ./bin
COPY rules ./rules
# Files stay owned by root and read-only to the process: LogWarden writes only to Elasticsearch.
# A numeric user lets Kubernetes verify runAsNonRoot (it cannot resolve the name "node").
USER 1000:1000
EXPOSE 9477
# For plain Docker / compose; Kubernetes ignores it and uses the chart's probes instead.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.LOGWARDEN_OPS_PORT || 9477) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node runs as PID 1 and handles SIGTERM itself (runs in flight finish, then the ops server closes).
ENTRYPOINT ["node", "bin/logwarden.js"]
CMD ["run"]
