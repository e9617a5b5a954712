import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

/** Debian's nginx (`apt-get install -y nginx`); NGINX_BIN overrides. */
export const NGINX_BIN = process.env['NGINX_BIN'] ?? '/usr/sbin/nginx';

export interface Upstream {
  /** One upstream per service: `gateway`, `vms`… */
  readonly name: string;
  /** Where the load balancer listens for it. */
  readonly listenPort: number;
  /** The replicas, `host:port`. */
  readonly servers: readonly string[];
  /** The public edge (the gateway): the client's address goes on as X-Forwarded-For. */
  readonly edge?: boolean;
}

export interface LoadBalancer {
  readonly configPath: string;
  stop(): Promise<void>;
}

/**
 * nginx in front of every service: round robin over the replicas, HTTP/1.1 with WebSocket upgrade
 * (graphql-ws), long read timeouts for subscriptions. A replica that refuses connections (killed) costs
 * one refused connect and the request goes to the next one: nginx retries a request on another replica
 * only when it could not be sent, so a mutation is never delivered twice by the load balancer.
 * Replicas are never marked down (max_fails=0): services call each other while the cluster starts, so
 * every replica of a service would be marked down at once, and then nginx lets one request through per
 * replica until it succeeds and answers the rest 502 "no live upstreams" (seen under load with 2 replicas).
 */
export function nginxConfig(dir: string, host: string, upstreams: readonly Upstream[]): string {
  const temp = (name: string) => `${name}_temp_path ${path.join(dir, 'temp', name)};`;
  const blocks = upstreams.map(
    (u) => `
  upstream ${u.name} {
${u.servers.map((s) => `    server ${s} max_fails=0;`).join('\n')}
    keepalive 32;
  }
  server {
    listen ${host}:${u.listenPort};
    client_max_body_size 16m;
    location / {
      proxy_pass http://${u.name};
      proxy_http_version 1.1;
      proxy_set_header Host $host;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection $connection_upgrade;${u.edge ? '\n      proxy_set_header X-Forwarded-For $remote_addr;' : ''}
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      proxy_next_upstream error timeout;
      proxy_buffering off;
    }
  }`,
  );
  return `${process.getuid?.() === 0 ? 'user root;\n' : ''}worker_processes 1;
pid ${path.join(dir, 'nginx.pid')};
error_log ${path.join(dir, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  ${['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(temp).join('\n  ')}
  # WebSocket upgrade when asked, keep-alive to the replicas otherwise.
  map $http_upgrade $connection_upgrade { default upgrade; '' ''; }
${blocks.join('\n')}
}
`;
}

/** Writes the configuration under `dir`, starts nginx in the foreground, resolves once every port listens. */
export async function startNginx(options: { readonly dir: string; readonly host: string; readonly upstreams: readonly Upstream[] }): Promise<LoadBalancer> {
  if (!existsSync(NGINX_BIN)) throw new Error(`nginx not found at ${NGINX_BIN}: apt-get install -y nginx (or set NGINX_BIN)`);
  const { dir, host, upstreams } = options;
  await mkdir(path.join(dir, 'temp'), { recursive: true });
  const configPath = path.join(dir, 'nginx.conf');
  await writeFile(configPath, nginxConfig(dir, host, upstreams));
  const child: ChildProcess = spawn(NGINX_BIN, ['-p', dir, '-c', configPath, '-g', 'daemon off;'], { stdio: ['ignore', 'inherit', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 15_000;
  for (const u of upstreams) {
    while (!(await listening(host, u.listenPort))) {
      if (child.exitCode !== null) throw new Error(`nginx exited (${child.exitCode}); see ${path.join(dir, 'error.log')}`);
      if (Date.now() > deadline) throw new Error(`nginx is not listening on ${host}:${u.listenPort}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    configPath,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM'); // fast: open WebSockets would hold a graceful quit for an hour
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function listening(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}
