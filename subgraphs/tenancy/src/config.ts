import { readServiceConfig, type Env, type ServiceConfig } from '@platform/kernel';

export type TenancyConfig = ServiceConfig;

export const readTenancyConfig = (env: Env = process.env): TenancyConfig => readServiceConfig('tenancy', 4002, env);
