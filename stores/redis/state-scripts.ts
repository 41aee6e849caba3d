import { RedisScript } from './connection.js';

/**
 * A request's state is one hash: values under `v:<key>` as JSON text (canonical: sorted keys, so
 * equal values compare equal as text), and the TTL under `ttl`. Every write runs as one script and
 * ends by refreshing the hash's expiry from `ttl`, so a write and its refresh are one step.
 */
const REFRESH = `local ttl = redis.call('HGET', KEYS[1], 'ttl')
if ttl then redis.call('PEXPIRE', KEYS[1], ttl) end`;

/** ARGV: ttl ms. */
export const INIT = new RedisScript(`redis.call('HSET', KEYS[1], 'ttl', ARGV[1])
${REFRESH}`);

/** ARGV: field, value. */
export const SET = new RedisScript(`redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
${REFRESH}`);

/** ARGV: field. Returns 1 if it was there. */
export const DEL = new RedisScript(`local removed = redis.call('HDEL', KEYS[1], ARGV[1])
if removed == 1 then
${REFRESH}
end
return removed`);

/**
 * ARGV: field, step. Returns the new number as text (%.17g reads back as the same double), or
 * an error reply NOTNUM (the field holds something else) or NOTFINITE (the sum overflowed).
 */
export const INCR = new RedisScript(`local current = redis.call('HGET', KEYS[1], ARGV[1])
local n = 0
if current then
  n = tonumber(current)
  if n == nil then return redis.error_reply('NOTNUM') end
end
n = n + tonumber(ARGV[2])
if n ~= n or n == math.huge or n == -math.huge then return redis.error_reply('NOTFINITE') end
local text = string.format('%.17g', n)
redis.call('HSET', KEYS[1], ARGV[1], text)
${REFRESH}
return text`);

/**
 * ARGV: field, '1' if a value is expected ('0': absent), the expected canonical JSON, the next.
 * Numbers compare as numbers, since INCR writes them as %.17g. Returns 1 if it set the field.
 */
export const COMPARE_AND_SET = new RedisScript(`local current = redis.call('HGET', KEYS[1], ARGV[1])
local same
if ARGV[2] == '0' then
  same = not current
else
  same = current == ARGV[3] or (current and tonumber(current) ~= nil and tonumber(current) == tonumber(ARGV[3]))
end
if not same then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
${REFRESH}
return 1`);
