# One image for the API server, the SII worker and migrations; Node 22 LTS, Debian's Chromium for PDFs.
FROM node:22-bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
RUN npm ci && npm run -s build -w client
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 CLIENT_DIST=/app/client/dist
EXPOSE 3000
CMD ["node", "server/src/main.ts"]
