import { createHash, randomBytes } from 'node:crypto';

/**
 * A UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Time-ordered, so keyset
 * pagination by id follows creation order, and the acceptance time can be read back from the id.
 */
export function newOrderId(now = Date.now()): string {
  return formatUuid(uuidV7Bytes(now));
}

/**
 * A UUIDv7 as `newOrderId`, whose bytes 10–13 (32 of its 74 random bits) are a tag of the user it
 * is placed for: a poll of an async order still in the queue, not yet stored with its user, can
 * tell whether the caller is its owner (`isOrderIdOf`). The tag is a hash, not a secret: it only
 * has to differ between users (a stranger matches one in 2^32), and the id is shown to its owner
 * and admins only. 42 random bits remain per millisecond and user.
 */
export function newOrderIdFor(userId: number, now = Date.now()): string {
  const bytes = uuidV7Bytes(now);
  ownerTag(userId).copy(bytes, OWNER_TAG_OFFSET);
  return formatUuid(bytes);
}

/** Whether `id` was minted by `newOrderIdFor(userId)` (ids minted without an owner match no one, but by chance). */
export function isOrderIdOf(id: string, userId: number): boolean {
  const hex = id.replace(/-/g, '').toLowerCase();
  return hex.slice(OWNER_TAG_OFFSET * 2, (OWNER_TAG_OFFSET + OWNER_TAG_BYTES) * 2) === ownerTag(userId).toString('hex');
}

const OWNER_TAG_OFFSET = 10;
const OWNER_TAG_BYTES = 4;

function ownerTag(userId: number): Buffer {
  return createHash('sha256').update(`order-owner:${userId}`).digest().subarray(0, OWNER_TAG_BYTES);
}

function uuidV7Bytes(now: number): Buffer {
  const bytes = randomBytes(16);
  bytes.writeUIntBE(now, 0, 6);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70; // version 7
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  return bytes;
}

function formatUuid(bytes: Buffer): string {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const uuidV7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** The millisecond timestamp inside a UUIDv7, or undefined for anything else. */
export function orderIdTime(id: string): number | undefined {
  if (!uuidV7.test(id)) return undefined;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}
