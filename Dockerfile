# syntax=docker/dockerfile:1
# Offboard: build with the dev tools, run with production dependencies only, as a non-root user.

# ---- build: compile TypeScript to dist/ ----------------------------------------------------------
FROM node:26-trixie-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY adapters ./adapters
COPY jobs ./jobs
COPY sandbox ./sandbox
COPY scripts ./scripts
# The build also carries the pages, scripts and styles the web adapters serve into dist/.
RUN npm run build

# ---- runtime: production dependencies and the compiled code ---------------------------------------
FROM node:26-trixie-slim AS runtime
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's own unprivileged user (uid 1000): the bot needs no root.
USER node
EXPOSE 3000
# /healthz answers while the process is up; node's fetch, because the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]
