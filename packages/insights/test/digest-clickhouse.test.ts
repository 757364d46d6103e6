import { startClickhouse } from '../../store/test/servers.js';
import { describeScenario } from './scenario.js';

describeScenario('clickhouse', startClickhouse);
