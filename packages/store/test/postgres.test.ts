import { describeStoreConformance } from './conformance.js';
import { freePort, startPostgres } from './servers.js';

describeStoreConformance(
  'postgres',
  startPostgres,
  async () => `postgres://telltale:secret-password@127.0.0.1:${await freePort()}/telltale`,
);
