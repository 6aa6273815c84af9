# syntax=docker/dockerfile:1
# meshmeet: the signaling server serving the built web client. Multi-stage: build with dev dependencies,
# ship only the production dependencies of the signaling app (pnpm deploy) and the static client.

FROM node:24-bookworm-slim AS build
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true TURBO_TELEMETRY_DISABLED=1
RUN corepack enable
WORKDIR /src
COPY . .
RUN pnpm install --frozen-lockfile \
 && pnpm exec turbo run build --filter=@meshmeet/signaling --filter=@meshmeet/web \
 && pnpm deploy --legacy --filter=@meshmeet/signaling --prod /out/signaling \
 && cp -r apps/web/dist /out/web

FROM node:24-bookworm-slim AS runtime
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 WEB_DIST=/app/web
WORKDIR /app
COPY --from=build --chown=node:node /out/signaling /app/signaling
COPY --from=build --chown=node:node /out/web /app/web
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:3000/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "signaling/dist/main.js"]
