import { describeStoreConformance } from './conformance.js';
import { freePort, startClickhouse } from './servers.js';

describeStoreConformance(
  'clickhouse',
  startClickhouse,
  async () => `clickhouse://default:secret-password@127.0.0.1:${await freePort()}/telltale`,
);
