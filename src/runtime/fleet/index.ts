/** The fleet's rule ownership: what the runtime uses of src/runtime/fleet. */
export { FleetLeaseManager, type FleetLeaseManagerDeps, type FleetLeaseStatus, type LostReason } from './lease-manager';
export { FLEET_LEASE_DEFAULTS, fleetLeaseSchema, resolveFleetLeaseOptions, leaseTimes, type FleetLeaseOptions, type LeaseTimes } from './config';
export { fencedIndex, claimFence, FencedOut, FENCE_FIELD } from './fenced-write';
export { monotonicClock, type LeaseClock } from './clock';
