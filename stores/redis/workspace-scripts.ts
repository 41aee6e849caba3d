import { RedisScript } from './connection.js';

/**
 * The keys of one workspace, in the order the scripts take them. All share the hash tag
 * `{workspace}`: `global` (the global context as JSON, and the mark that the workspace exists),
 * `triggers` (a hash: trigger id → the trigger record as JSON), `events` and `commands` (streams),
 * `timers` (a sorted set: timer id by due time), `timer-events` (a hash: timer id → its event) and
 * `streams` (the set of the names of its named streams, each kept at `stream:<name>`).
 */
export const WORKSPACE_KEYS = ['global', 'triggers', 'events', 'commands', 'timers', 'timer-events', 'streams'] as const;

/**
 * One checkpoint, atomically: if every expected trigger has its expected `fired` count (else a
 * CONFLICT error and nothing written), trigger records (only for triggers that still exist, or
 * that are guarded), removals, the global context, the acks (of the consumed events, of the commands
 * whose results are published, ...), the published events and commands, timers set and cancelled,
 * and events for named streams.
 * KEYS: WORKSPACE_KEYS, then the written named streams' keys, then the acked named streams' keys.
 * ARGV[1]: the checkpoint as JSON (see `RedisWorkspaceStore`); each ack names its stream by its index in KEYS.
 */
export const COMMIT = new RedisScript(`
local global, triggers, events, commands, timers, timerEvents = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
if redis.call('EXISTS', global) == 0 then return redis.error_reply('NOWORKSPACE') end
local c = cjson.decode(ARGV[1])
local guarded = {}
for _, guard in ipairs(c.expect) do
  local stored = redis.call('HGET', triggers, guard[1])
  local fired = -1
  if stored then
    -- A record's count is its last field as falco writes it; decoding the whole record is the fallback.
    fired = tonumber(string.match(stored, '"fired":(%d+)}$')) or cjson.decode(stored).fired
  end
  if fired ~= guard[2] then return redis.error_reply('CONFLICT ' .. guard[1] .. ' ' .. fired) end
  guarded[guard[1]] = true
end
for _, record in ipairs(c.records) do
  if guarded[record[1]] or redis.call('HEXISTS', triggers, record[1]) == 1 then redis.call('HSET', triggers, record[1], record[2]) end
end
for i, stream in ipairs(c.streams) do
  redis.call('SADD', KEYS[7], stream[1])
  for _, fields in ipairs(stream[2]) do redis.call('XADD', KEYS[7 + i], '*', unpack(fields)) end
end
for _, id in ipairs(c.removed) do redis.call('HDEL', triggers, id) end
if c.global ~= cjson.null then redis.call('SET', global, c.global) end
for _, ack in ipairs(c.acks) do redis.call('XACK', KEYS[ack[1]], ack[2], unpack(ack[3])) end
for _, fields in ipairs(c.events) do redis.call('XADD', events, '*', unpack(fields)) end
for _, fields in ipairs(c.commands) do redis.call('XADD', commands, '*', unpack(fields)) end
for _, timer in ipairs(c.set) do
  redis.call('ZADD', timers, timer[2], timer[1])
  redis.call('HSET', timerEvents, timer[1], timer[3])
end
for _, id in ipairs(c.cancel) do
  redis.call('ZREM', timers, id)
  redis.call('HDEL', timerEvents, id)
end
return 1
`);

/** Moves every timer due at or before ARGV[1] into the event stream, oldest first. KEYS: WORKSPACE_KEYS. */
export const FIRE_TIMERS = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOWORKSPACE') end
local events, timers, timerEvents = KEYS[3], KEYS[5], KEYS[6]
local due = redis.call('ZRANGEBYSCORE', timers, '-inf', ARGV[1])
for _, id in ipairs(due) do
  local fields = redis.call('HGET', timerEvents, id)
  if fields then redis.call('XADD', events, '*', unpack(cjson.decode(fields))) end
  redis.call('ZREM', timers, id)
  redis.call('HDEL', timerEvents, id)
end
return #due
`);

/** Adds or replaces triggers of an existing workspace. KEYS: WORKSPACE_KEYS. ARGV: id, record JSON, id, record JSON, ... */
export const PUT_TRIGGERS = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOWORKSPACE') end
for i = 1, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
return 1
`);

/** The ids in the triggers hash that start with ARGV[1], and a read of their records in slices `unpack` can take. */
const PREFIXED = `
if redis.call('EXISTS', KEYS[1]) == 0 then return redis.error_reply('NOWORKSPACE') end
local prefix, ids = ARGV[1], {}
for _, id in ipairs(redis.call('HKEYS', KEYS[2])) do
  if string.sub(id, 1, #prefix) == prefix then ids[#ids + 1] = id end
end
local function each(visit)
  for first = 1, #ids, 1000 do
    local slice = {unpack(ids, first, math.min(first + 999, #ids))}
    local records = redis.call('HMGET', KEYS[2], unpack(slice))
    for i, record in ipairs(records) do if record then visit(slice[i], record) end end
  end
end
`;

/** The records of the triggers whose id starts with ARGV[1]. KEYS: WORKSPACE_KEYS. */
export const LIST_PREFIXED = new RedisScript(`${PREFIXED}
local out = {}
each(function(_, record) out[#out + 1] = record end)
return out
`);

/** id, fired, id, fired, ... of the triggers whose id starts with ARGV[1], read off each record's tail (see COMMIT). KEYS: WORKSPACE_KEYS. */
export const TRIGGER_VERSIONS = new RedisScript(`${PREFIXED}
local out = {}
each(function(id, record)
  out[#out + 1] = id
  out[#out + 1] = tonumber(string.match(string.sub(record, -32), '"fired":(%d+)}$')) or cjson.decode(record).fired
end)
return out
`);
