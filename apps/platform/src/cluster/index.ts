export * from './cluster.ts';
export * from './cluster-secrets.ts';
export * from './load-balancer.ts';
export * from './service-processes.ts';
