import { startPostgres } from '../../store/test/servers.js';
import { describeScenario } from './scenario.js';

describeScenario('postgres', startPostgres);
