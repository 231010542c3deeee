/** The request properties Kestra's HTTP Request task and HTTP Trigger share. */
import { z } from 'zod';
import { Duration, Json } from './primitives.ts';

export const httpRequestProperties = {
  method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS']).optional(),
  body: z.union([z.string(), z.record(z.string(), Json)]).optional(),
  formData: z.record(z.string(), Json).optional(),
  contentType: z.string().optional(),
  headers: z.record(z.string(), z.string()).optional(),
  options: z
    .looseObject({
      connectTimeout: Duration.optional(),
      readTimeout: Duration.optional(),
      followRedirects: z.boolean().optional(),
      allowFailed: z.boolean().optional(),
      basicAuthUser: z.string().optional(),
      basicAuthPassword: z.string().optional(),
    })
    .optional(),
};
