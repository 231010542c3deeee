/**
 * The contract of a secrets backend, and the errors every backend and the service share. A
 * read-only backend (environment, mounted files) reads secrets managed elsewhere and refuses
 * writes: the source of truth stays where the organisation keeps it.
 */

export const SECRET_BACKEND_KINDS = ['postgres', 'env', 'file'] as const;
export type SecretBackendKind = (typeof SECRET_BACKEND_KINDS)[number];

export interface SecretInfo {
  namespace: string;
  name: string;
  /** Which backend holds it, and whether Osprey may change it. */
  backend: SecretBackendKind;
  readOnly: boolean;
  description?: string;
  updatedAt?: Date;
}

export interface SecretBackend {
  readonly kind: SecretBackendKind;
  readonly readOnly: boolean;
  get(namespace: string, name: string): Promise<string | undefined>;
  /** Secret names (never values) visible in the namespace. */
  list(namespace: string): Promise<SecretInfo[]>;
  set(namespace: string, name: string, value: string, options?: { description?: string }): Promise<void>;
  delete(namespace: string, name: string): Promise<boolean>;
  /** How to define a missing secret here, e.g. which environment variable to set. */
  howToDefine?(name: string): string;
}

export const SECRET_ERROR_CODES = [
  'INVALID_NAME',
  'READ_ONLY',
  'NOT_FOUND',
  'UNREADABLE',
  'INVALID_VALUE',
] as const;
export type SecretErrorCode = (typeof SECRET_ERROR_CODES)[number];

/** A refused or failed secrets request; `code` lets the API answer 400, 403, 404 or 500. */
export class SecretError extends Error {
  override name = 'SecretError';
  readonly code: SecretErrorCode;
  constructor(code: SecretErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Letters, digits, '_', '.', '-'; no path separators, nothing hidden (`.x`, `..`). */
const NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const MAX_NAME = 255;

export function assertSecretName(name: string): void {
  if (!NAME.test(name) || name.length > MAX_NAME) {
    throw new SecretError(
      'INVALID_NAME',
      `'${name}' is not a valid secret name: start with a letter, digit or '_', then use only letters, digits, '_', '.' and '-' (e.g. SLACK_WEBHOOK)`,
    );
  }
}

export function isValidSecretName(name: string): boolean {
  return NAME.test(name) && name.length <= MAX_NAME;
}

/** The refusal of a write to a read-only backend. */
export function readOnlyError(kind: SecretBackendKind, namespace: string, name: string): SecretError {
  return new SecretError(
    'READ_ONLY',
    `secret ${name} in namespace ${namespace} is managed by the read-only ${kind} backend; change it at the source`,
  );
}
