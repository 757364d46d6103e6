export { simulateTraffic, SIMULATED_FEATURES, type Incident, type SimulationOptions } from './simulate.js';
