/** `npm run build` (turbo runs it per workspace): the dashboard bundle into .dashboard-cache, as `npm start` would. */
import { dashboardAssets } from './bundle.ts';

const started = Date.now();
const assets = await dashboardAssets();
console.log(
  `dashboard built: app.js ${assets.js.length.toLocaleString('en')} B, app.css ${assets.css.length.toLocaleString('en')} B (${Date.now() - started} ms)`,
);
