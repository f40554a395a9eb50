/**
 * statusetat's folder and S3 stores: one JSON document per incident, named by its guid, beside
 * `subscribers.json` (an array of addresses) and `persistents.json` (an array of persistent
 * incidents, which live only there). The folder is walked recursively, as statusetat does; the
 * bucket is read from its root, since statusetat ignores the URI's path. A document that is not an
 * incident is reported and skipped instead of aborting the import (statusetat aborts the page).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import type { StatusetatContent, StatusetatIncident } from '../../domain/statusetat-import.ts';
import { readS3Uri } from '../../../storage-drivers/s3-uri.ts';

const SUBSCRIBERS = 'subscribers.json';
const PERSISTENTS = 'persistents.json';

export interface ObjectReadReport {
  content: StatusetatContent;
  /** Documents that could not be read as incidents, and why. */
  skipped: Array<{ name: string; problem: string }>;
}

function collect(documents: Array<{ name: string; text: string | null }>): ObjectReadReport {
  const skipped: ObjectReadReport['skipped'] = [];
  const incidents: StatusetatIncident[] = [];
  let subscribers: string[] = [];
  const parse = (name: string, text: string): unknown => {
    try {
      return JSON.parse(text);
    } catch {
      skipped.push({ name, problem: 'not JSON' });
      return undefined;
    }
  };
  for (const { name, text } of documents) {
    if (text === null) continue;
    const base = name.split('/').at(-1);
    const value = parse(name, text);
    if (value === undefined) continue;
    if (name === SUBSCRIBERS) {
      subscribers = Array.isArray(value)
        ? value.filter((s): s is string => typeof s === 'string')
        : [];
    } else if (name === PERSISTENTS) {
      if (Array.isArray(value))
        for (const item of value) {
          if (isIncident(item)) incidents.push({ ...item, persistent: true });
          else skipped.push({ name, problem: 'an entry is not an incident' });
        }
    } else if (base === SUBSCRIBERS || base === PERSISTENTS) {
      continue;
    } else if (isIncident(value)) incidents.push(value);
    else skipped.push({ name, problem: 'not an incident (no guid)' });
  }
  return { content: { incidents, subscribers }, skipped };
}

function isIncident(value: unknown): value is StatusetatIncident {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { guid?: unknown }).guid === 'string'
  );
}

export async function readFolder(folder: string): Promise<ObjectReadReport> {
  const entries = await readdir(folder, { recursive: true, withFileTypes: true });
  const documents = await Promise.all(
    entries
      .filter((entry) => entry.isFile())
      .map(async (entry) => {
        const path = join(entry.parentPath, entry.name);
        return { name: relative(folder, path), text: await readFile(path, 'utf8') };
      }),
  );
  return collect(documents);
}

export async function readBucket(uri: URL): Promise<ObjectReadReport> {
  const { target, problems } = readS3Uri(uri);
  if (!target) throw new Error(problems.join('; '));
  const client = new S3Client(target.clientConfig);
  try {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: target.bucket, ContinuationToken: token }),
      );
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    const documents = [];
    for (const key of keys) {
      const answer = await client.send(new GetObjectCommand({ Bucket: target.bucket, Key: key }));
      documents.push({ name: key, text: (await answer.Body?.transformToString('utf-8')) ?? null });
    }
    return collect(documents);
  } finally {
    client.destroy();
  }
}
