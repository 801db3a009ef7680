# Switchyard API and worker image (the same image runs `switchyard api` or `switchyard worker`).
# The console (console/, a static SPA the API serves at /) is built in its own stage with the dev
# dependencies (Vite needs Node >= 20.19); the image keeps only console/dist.
FROM node:20.19.5-bookworm-slim AS console
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY console ./console
RUN npm run build:console

FROM node:20.18.1-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY bin ./bin
COPY src ./src
COPY workflows ./workflows
COPY activities ./activities
COPY connectors ./connectors
COPY recipes ./recipes
COPY scripts ./scripts
COPY tsconfig.json ./
COPY --from=console /build/console/dist ./console/dist
# The workflow bundle, built once here: a worker finds it (.cache/, keyed by the sources) and runs no webpack at start.
RUN npm run build:workflows
# Memory (bench/README.md "Memory"): a small young generation, an old-generation limit that makes V8
# collect before it grows (the worker's; the API needs less), fewer malloc arenas for the native core;
# and per role (scripts/docker-entrypoint.sh) the worker's small heap growth and the API's 4 MB young generation.
ENV NODE_OPTIONS="--max-semi-space-size=2 --max-old-space-size=256" MALLOC_ARENA_MAX=2
USER node
EXPOSE 3000
ENTRYPOINT ["/app/scripts/docker-entrypoint.sh"]
CMD ["api"]
