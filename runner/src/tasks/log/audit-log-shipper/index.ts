/**
 * `io.kestra.plugin.ee.core.log.AuditLogShipper`: ship the audit log (every user and token action;
 * optionally only some `resources` such as FLOW or EXECUTION, or one `namespace`) to every exporter
 * of `logExporters`, each from where it stopped. Runs in flows of the `system` namespace only.
 */
import type { RunnableTask } from '../../../../../protocol/src/task-contract.ts';
import { propertiesOf } from '../../support/properties.ts';
import { shipRecords } from '../shipping/ship-records.ts';

const TYPE = 'io.kestra.plugin.ee.core.log.AuditLogShipper';

export const auditLogShipperTask: RunnableTask = {
  type: TYPE,
  run(ctx) {
    const p = propertiesOf(TYPE, ctx);
    const resources = p.raw('resources');
    const namespace = p.optionalString('namespace');
    return shipRecords(TYPE, ctx, 'audit', {
      ...(Array.isArray(resources) ? { resources: resources.map((r) => String(r).toUpperCase()) } : {}),
      ...(namespace === undefined ? {} : { namespace }),
    });
  },
};
