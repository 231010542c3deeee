/**
 * The expression services `kv('key')` and `secret('NAME')` use when a flow of `namespace` renders
 * (app/src/execution/render.ts), over a real KV store and secret store: tests of namespace
 * inheritance go through the same path as a running flow.
 */
import type { KvStore, SecretStore } from '../../app/src/execution/contract.ts';
import { servicesFor } from '../../app/src/execution/render.ts';
import type { ExpressionServices } from '../../flows-schema/src/expressions/types.ts';
import type { InternalStorage } from '../../protocol/src/internal-storage.ts';

const NO_STORAGE = new Proxy({} as InternalStorage, {
  get: () => () => Promise.reject(new Error('no internal storage in this test')),
});
const NO_SECRETS: SecretStore = { get: async () => undefined };
const NO_KV: KvStore = {
  get: async () => undefined,
  set: async () => undefined,
  delete: async () => false,
  keys: async () => [],
};

export function renderServices(
  namespace: string,
  stores: { kv?: KvStore; secrets?: SecretStore },
): ExpressionServices {
  return servicesFor(
    {
      kv: stores.kv ?? NO_KV,
      secrets: stores.secrets ?? NO_SECRETS,
      storage: NO_STORAGE,
      logs: async () => [],
      now: Date.now,
    },
    { id: 'test-execution', namespace },
    () => {},
  );
}
