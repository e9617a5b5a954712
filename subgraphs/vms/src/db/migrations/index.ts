import type { Migrations } from '@platform/kernel';
import * as initial from './2026_11_23_0001_inventory.ts';
import * as operations from './2026_11_29_0001_vm_operations.ts';
import * as telemetry from './2026_11_29_0002_telemetry.ts';
import * as alerts from './2026_11_29_0003_alerts.ts';
import * as sagaLeases from './2026_11_29_0004_saga_leases.ts';
import * as rollupWatermark from './2026_11_29_0005_telemetry_rollup_watermark.ts';
import * as licences from './2026_11_29_0006_vm_licences.ts';
import * as seenFillfactor from './2026_11_29_0007_telemetry_seen_fillfactor.ts';

/** Timestamped and frozen: add new files, never edit merged ones. */
export const VmsMigrations: Migrations = {
  '2026_11_23_0001_inventory': initial,
  '2026_11_29_0001_vm_operations': operations,
  '2026_11_29_0002_telemetry': telemetry,
  '2026_11_29_0003_alerts': alerts,
  '2026_11_29_0004_saga_leases': sagaLeases,
  '2026_11_29_0005_telemetry_rollup_watermark': rollupWatermark,
  '2026_11_29_0006_vm_licences': licences,
  '2026_11_29_0007_telemetry_seen_fillfactor': seenFillfactor,
};
