/**
 * Drivers built on a large client library are loaded by their first call, not when the config is
 * read or the driver created, and behave as the driver itself once loaded.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import mysql from '../../storage-drivers/mysql.ts';
import { mysqlDescriptor } from '../../storage-drivers/mysql-uri.ts';
import postgres from '../../storage-drivers/postgres.ts';
import { postgresDescriptor } from '../../storage-drivers/postgres-uri.ts';
import s3 from '../../storage-drivers/s3.ts';
import { s3Descriptor } from '../../storage-drivers/s3-uri.ts';
import sqlite from '../../storage-drivers/sqlite.ts';
import { sqliteDescriptor } from '../../storage-drivers/sqlite-uri.ts';
import { StorageError, type DriverModule } from '../../storage-drivers/types.ts';
import { lazyDriverModule } from './lazy-driver.ts';
import { nodeDrivers } from './registry.node.ts';

const record = {
  kind: 'incident',
  id: 'a',
  rev: '0193a1b2c3d4-000000-test',
  deleted: false,
  body: { title: 'x' },
};

function counted(module: DriverModule, options: { failFirst?: boolean } = {}) {
  let loads = 0;
  const lazy = lazyDriverModule(sqliteDescriptor, async () => {
    loads++;
    if (options.failFirst && loads === 1) throw new Error('Cannot find package better-sqlite3');
    return { default: module };
  });
  return { lazy, loads: () => loads };
}

describe('lazy drivers', () => {
  it('load their module on the first call, once for every driver of that kind', async () => {
    const { lazy, loads } = counted(sqlite);
    const one = lazy.create(new URL('sqlite::memory:'));
    const two = lazy.create(new URL('sqlite::memory:'));
    expect(loads()).toBe(0);
    await one.init();
    expect(await one.put([record])).toEqual([true]);
    expect(await one.get('incident', 'a')).toEqual(record);
    await two.init();
    expect(await two.get('incident', 'a')).toBeNull();
    expect(loads()).toBe(1);
    await Promise.all([one.close(), two.close()]);
  });

  it('close without loading when never used, and refuse calls after close', async () => {
    const { lazy, loads } = counted(sqlite);
    const driver = lazy.create(new URL('sqlite::memory:'));
    await driver.close();
    await expect(driver.ping()).rejects.toMatchObject({ code: 'CLOSED' });
    expect(loads()).toBe(0);
  });

  it('report a module that cannot be loaded as the target unavailable, and try again later', async () => {
    const { lazy, loads } = counted(sqlite, { failFirst: true });
    const driver = lazy.create(new URL('sqlite::memory:'));
    const error = await driver.ping().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect(error).toMatchObject({ code: 'UNAVAILABLE' });
    expect((error as Error).message).toContain('could not load the sqlite driver');
    await driver.ping();
    expect(loads()).toBe(2);
    await driver.close();
  });

  it('refuse a bad URI when created, as the driver itself does', () => {
    expect(() => nodeDrivers.create('postgres://db.example/x?sslmode=sometimes')).toThrow(
      /sslmode/,
    );
  });

  it.each([
    ['sqlite', sqliteDescriptor, sqlite, 'sqlite:///var/lib/staunch/staunch.db?table=t1'],
    ['postgres', postgresDescriptor, postgres, 'postgres://u:secret@db.example:5432/app?table=t'],
    ['mysql', mysqlDescriptor, mysql, 'mariadb://root:secret@db.example/app'],
    ['s3', s3Descriptor, s3, 's3://KEY:SECRET@s3.example.com/bucket/pre?region=eu-west-1'],
  ] as const)(
    'name a %s target as the driver does, without its secret',
    async (_, descriptor, module, uri) => {
      const real = module.create(new URL(uri), {});
      const lazy = nodeDrivers.create(uri);
      expect(lazy.location).toBe(real.location);
      expect(lazy.name).toBe(real.name);
      expect(descriptor.location(new URL(uri))).not.toMatch(/secret|SECRET/);
      await Promise.all([real.close(), lazy.close()]);
    },
  );

  it('serve a SQLite file through the registry', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'lazy-driver-'));
    try {
      const driver = nodeDrivers.create(`sqlite://${join(dir, 'x.db')}`);
      await driver.init();
      await driver.put([record]);
      expect((await driver.list('incident')).items).toEqual([record]);
      expect(Object.keys(await driver.digest())).toEqual(['incident']);
      await driver.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
