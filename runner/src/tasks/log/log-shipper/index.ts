/**
 * `io.kestra.plugin.ee.core.log.LogShipper`: ship execution log lines (`logLevelFilter` and up,
 * default INFO; optionally only a `namespace`, `flowId` or `executionId`) to every exporter of
 * `logExporters`, each from where it stopped last time (shipping/ship-records.ts).
 */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';
import { shipRecords } from '../shipping/ship-records.ts';

const TYPE = 'io.kestra.plugin.ee.core.log.LogShipper';
const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'] as const;

export const logShipperTask: RunnableTask = {
  type: TYPE,
  run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const namespace = p.optionalString('namespace');
    const flowId = p.optionalString('flowId');
    const executionId = p.optionalString('executionId');
    return shipRecords(TYPE, ctx, 'logs', {
      minLevel: p.oneOf('logLevelFilter', LEVELS, 'INFO'),
      ...(namespace === undefined ? {} : { namespace }),
      ...(flowId === undefined ? {} : { flowId }),
      ...(executionId === undefined ? {} : { executionId }),
    });
  },
};
