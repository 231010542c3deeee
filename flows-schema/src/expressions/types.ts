/**
 * Public types of the expression renderer: the I/O services the engine injects and the render options.
 */

/** The I/O a render may need; the engine injects it. Each may be absent (then the function fails with a clear message naming the function). */
export interface ExpressionServices {
  /** `undefined` namespace = the execution's namespace with inheritance (engine decides); resolve `undefined` for a missing key. */
  kv?(key: string, namespace: string | undefined): Promise<unknown>;
  secret?(name: string, namespace: string | undefined): Promise<string>;
  read?(uri: string): Promise<string>;
  fileSize?(uri: string): Promise<number>;
  fileExists?(uri: string): Promise<boolean>;
  isFileEmpty?(uri: string): Promise<boolean>;
  errorLogs?(): Promise<
    ReadonlyArray<{ taskId?: string; level?: string; message: string; timestamp?: string }>
  >;
  now?(): Date;
  /** Called with every resolved secret so the caller can mask it in logs. */
  onSecret?(value: string): void;
}

export interface RenderOptions {
  /** Largest rendered output (UTF-8 bytes); also caps any single string built by an expression. Default 10 MB. */
  maxOutputBytes?: number;
  /** Most loop iterations in one render (nested loops and `render()` included); also caps ranges. Default 100 000. */
  maxIterations?: number;
  services?: ExpressionServices;
}

export interface ExpressionProblem {
  message: string;
  /** Character offset into the checked template. */
  offset: number;
  length: number;
}
