import { RedisScript } from './connection.js';

/** Lua helpers shared by the scripts below: a dead-letter record, and an entry id compare. */
const BURY = `
local function bury(stream, dead, group, id, fields, deliveries, reason)
  local record = {}
  for i = 1, #fields, 2 do record[fields[i]] = fields[i + 1] end
  redis.call('XADD', dead, '*', 'entry', id, 'group', group, 'deliveries', tostring(deliveries), 'reason', reason, 'fields', cjson.encode(record))
  redis.call('XACK', stream, group, id)
end
`;

/**
 * What a consumer gets back before new entries, in one atomic step: its own pending entries
 * (after a restart), then entries another consumer held past the visibility timeout (XAUTOCLAIM).
 * An entry past the delivery cap goes to the dead-letter stream and is acknowledged instead.
 * KEYS: stream, dead. ARGV: group, consumer, max, own (1/0), claim (1/0), min idle ms, cursor, cap.
 * Returns { next cursor, { {id, flat fields, deliveries}, ... } }.
 */
export const PENDING = new RedisScript(`${BURY}
local stream, dead = KEYS[1], KEYS[2]
local group, consumer = ARGV[1], ARGV[2]
local max, cap = tonumber(ARGV[3]), tonumber(ARGV[8])
local cursor = ARGV[7]
local out = {}
local function settle(entries)
  for _, entry in ipairs(entries) do
    local id, fields = entry[1], entry[2]
    if not fields then
      redis.call('XACK', stream, group, id)
    else
      local count = redis.call('XPENDING', stream, group, id, id, 1)[1][4]
      if count > cap then
        bury(stream, dead, group, id, fields, count - 1, 'delivered ' .. (count - 1) .. ' times without an ack (cap ' .. cap .. ')')
      else
        out[#out + 1] = { id, fields, count }
      end
    end
  end
end
if ARGV[4] == '1' then
  local own = redis.call('XREADGROUP', 'GROUP', group, consumer, 'COUNT', max, 'STREAMS', stream, '0')
  if own and own[1] then settle(own[1][2]) end
end
if ARGV[5] == '1' and #out < max then
  local claimed = redis.call('XAUTOCLAIM', stream, group, consumer, ARGV[6], cursor, 'COUNT', max - #out)
  cursor = claimed[1]
  settle(claimed[2])
end
return { cursor, out }
`);

/**
 * Moves entries to the dead-letter stream and acknowledges them, atomically.
 * KEYS: stream, dead. ARGV: group, reason, then per entry: id, deliveries, fields as JSON.
 */
export const DEAD_LETTER = new RedisScript(`${BURY}
local group, reason = ARGV[1], ARGV[2]
for i = 3, #ARGV, 3 do
  local flat = {}
  for name, value in pairs(cjson.decode(ARGV[i + 2])) do
    flat[#flat + 1] = name
    flat[#flat + 1] = value
  end
  bury(KEYS[1], KEYS[2], group, ARGV[i], flat, tonumber(ARGV[i + 1]), reason)
end
return 0
`);

/**
 * Drops the entries every group has acknowledged: those before the oldest pending entry of any
 * group, and before every group's last-delivered id. No groups: nothing is waiting, all go.
 * KEYS: stream. Returns how many were dropped.
 */
export const TRIM = new RedisScript(`
local stream = KEYS[1]
if redis.call('EXISTS', stream) == 0 then return 0 end
local groups = redis.call('XINFO', 'GROUPS', stream)
if #groups == 0 then return redis.call('XTRIM', stream, 'MAXLEN', 0) end
local function parse(id)
  local ms, seq = string.match(id, '^(%d+)-(%d+)$')
  return tonumber(ms), tonumber(seq)
end
local keepMs, keepSeq
for _, group in ipairs(groups) do
  local info = {}
  for i = 1, #group, 2 do info[group[i]] = group[i + 1] end
  local ms, seq
  if info['pending'] > 0 then
    ms, seq = parse(redis.call('XPENDING', stream, info['name'])[2])
  else
    ms, seq = parse(info['last-delivered-id'])
    seq = seq + 1
  end
  if keepMs == nil or ms < keepMs or (ms == keepMs and seq < keepSeq) then
    keepMs, keepSeq = ms, seq
  end
end
return redis.call('XTRIM', stream, 'MINID', string.format('%d-%d', keepMs, keepSeq))
`);

/**
 * Removes a consumer from its group if it holds nothing: a closed consumer leaves no trace. A
 * stream or group deleted meanwhile leaves nothing to do. KEYS: stream. ARGV: group, consumer.
 */
export const LEAVE = new RedisScript(`
local ok, held = pcall(redis.call, 'XPENDING', KEYS[1], ARGV[1], '-', '+', 1, ARGV[2])
if not ok then return 0 end
if #held == 0 then redis.call('XGROUP', 'DELCONSUMER', KEYS[1], ARGV[1], ARGV[2]) end
return #held
`);
