/** `io.kestra.plugin.ee.core.log.FileLogExporter`: records as JSON-lines (or Ion) files in internal storage. */
import { scopeOf } from '../../support/storage.ts';
import { chunkName, chunks, type ExportBatch, jsonLines, type LogExporterPlugin } from './exporter.ts';

export interface FileExporterOptions {
  format: 'JSON' | 'ION';
  logFilePrefix: string;
  maxLinesPerFile: number;
}

export function fileExporter(o: FileExporterOptions): LogExporterPlugin {
  return {
    async send(batch: ExportBatch, ctx) {
      const uris: string[] = [];
      for (const part of chunks(batch.records, o.maxLinesPerFile)) {
        uris.push(
          await ctx.storage.put(
            scopeOf(ctx.run),
            chunkName(o.logFilePrefix, part, o.format),
            jsonLines(part),
          ),
        );
      }
      return { uris };
    },
  };
}
