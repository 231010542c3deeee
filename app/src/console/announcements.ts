/**
 * Kestra 0.20's Announcements: a message (INFO, WARNING or ERROR) an admin sets, shown on every page
 * of the console between its start and end dates. Stored in `announcements`.
 */
import { randomUUID } from 'node:crypto';
import type { Executor } from '../storage/database.ts';
import { table } from '../storage/identifiers.ts';

export const ANNOUNCEMENT_TYPES = ['INFO', 'WARNING', 'ERROR'] as const;
export type AnnouncementType = (typeof ANNOUNCEMENT_TYPES)[number];

export type Announcement = {
  id: string;
  message: string;
  type: AnnouncementType;
  startDate: Date;
  endDate: Date;
  createdBy: string;
  createdAt: Date;
};

export type NewAnnouncement = Pick<Announcement, 'message' | 'type' | 'startDate' | 'endDate'>;

const COLUMNS = `id, message, type, start_date AS "startDate", end_date AS "endDate", created_by AS "createdBy",
  created_at AS "createdAt"`;

export class Announcements {
  readonly #db: Executor;

  constructor(db: Executor) {
    this.#db = db;
  }

  /** Every announcement, latest start first; only those shown at `at` when given. */
  async list(at?: Date): Promise<Announcement[]> {
    const { rows } = await this.#db.query<Announcement>(
      `SELECT ${COLUMNS} FROM ${table(this.#db, 'announcements')}
       WHERE $1::timestamptz IS NULL OR (start_date <= $1 AND end_date > $1)
       ORDER BY start_date DESC, id`,
      [at ?? null],
    );
    return rows;
  }

  async create(a: NewAnnouncement, by: string): Promise<Announcement> {
    const row = { ...a, id: randomUUID(), createdBy: by, createdAt: new Date() };
    await this.#db.query(
      `INSERT INTO ${table(this.#db, 'announcements')} (id, message, type, start_date, end_date, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [row.id, row.message, row.type, row.startDate, row.endDate, row.createdBy, row.createdAt],
    );
    return row;
  }

  /** False when there is no such announcement. */
  async update(id: string, a: NewAnnouncement): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `UPDATE ${table(this.#db, 'announcements')} SET message = $2, type = $3, start_date = $4, end_date = $5
       WHERE id = $1`,
      [id, a.message, a.type, a.startDate, a.endDate],
    );
    return rowCount > 0;
  }

  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.#db.query(
      `DELETE FROM ${table(this.#db, 'announcements')} WHERE id = $1`,
      [id],
    );
    return rowCount > 0;
  }
}
