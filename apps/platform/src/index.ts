export * from './demo-data.ts';
export * from './seed-demo.ts';
export * from './seed-demo-bills.ts';
export * from './start-platform.ts';
export * from './telemetry-simulator.ts';
export * from './cluster/index.ts';
