export { createDashboard, DASHBOARD_PATH, type DashboardOptions } from './dashboard-routes.ts';
export { dashboardAssets, DEFAULT_DASHBOARD_CACHE, type DashboardAssets } from './bundle.ts';
