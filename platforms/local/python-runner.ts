/**
 * The program each Python instance runs (`python3 -u -c PYTHON_RUNNER entry entryPoint limit
 * maxFrame`), kept here as a string because tsc copies no .py files. It caps the process's
 * memory, loads the action, says whether that worked, then answers one frame on fd 4 per frame
 * on fd 3 (a 4-byte big-endian length, then that many bytes of UTF-8 JSON; see protocol.ts).
 * fds 3 and 4 are made non-inheritable, so the function's own subprocesses never get them.
 * Times are CLOCK_MONOTONIC milliseconds, like the host's hrtime.
 *
 * The memory cap is RLIMIT_DATA (heap and private mappings, not shared libraries) set to the
 * function's whole memoryMB with no headroom: the interpreter's own start-up uses about 8 MB
 * of it, as a FaaS runtime's does, and starts fine at the smallest allowed size (64 MB).
 *
 * On Linux the process asks to be killed when the host dies: a function busy in main never reads
 * the end of its input, and would otherwise run on as an orphan.
 */
export const PYTHON_RUNNER = String.raw`
import importlib.util, json, math, os, sys, time, traceback


class MissingEntry(Exception):
    pass


def where(error):
    frames = [f for f in traceback.extract_tb(error.__traceback__) if not f.filename.startswith('<')]
    return ' (at %s:%s)' % (frames[-1].filename, frames[-1].lineno) if frames else ''


def load(path, entry):
    name = os.path.splitext(os.path.basename(path))[0]
    if name == '__main__':
        name = 'main__'
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    main = getattr(module, entry, None)
    if not callable(main):
        raise MissingEntry('%s does not define a function "%s": define def %s(args) at the top level' % (path, entry, entry))
    return main


def find_bad(value, path, seen):
    if value is None or isinstance(value, (str, bool, int)):
        return None
    if isinstance(value, float):
        return None if math.isfinite(value) else '%s is %s, which JSON cannot carry' % (path, value)
    if not isinstance(value, (list, tuple, dict)):
        return '%s is a %s, which JSON cannot carry (use a dict, list, str, number, bool or None)' % (path, type(value).__name__)
    if id(value) in seen:
        return '%s refers back to itself (a cycle), which JSON cannot carry' % path
    seen.add(id(value))
    try:
        if isinstance(value, dict):
            for key, child in value.items():
                if key is not None and not isinstance(key, (str, int, float, bool)):
                    return '%s has a key of type %s, which JSON cannot carry' % (path, type(key).__name__)
                found = find_bad(child, '%s.%s' % (path, key), seen)
                if found:
                    return found
        else:
            for index, child in enumerate(value):
                found = find_bad(child, '%s[%d]' % (path, index), seen)
                if found:
                    return found
        return None
    finally:
        seen.discard(id(value))


def call(main, args):
    try:
        return {'ok': True, 'output': main(args)}
    except MemoryError as error:
        return {'ok': False, 'kind': 'memory', 'message': 'MemoryError' + where(error), 'errorType': 'MemoryError'}
    except BaseException as error:
        stack = ''.join(traceback.format_exception(type(error), error, error.__traceback__))
        return {'ok': False, 'kind': 'error', 'message': str(error) or type(error).__name__,
                'errorType': type(error).__name__, 'stack': stack}


def encode(reply, max_bytes):
    measured = {'startedAt': reply['startedAt'], 'durationMs': reply['durationMs']}
    try:
        data = json.dumps(reply, allow_nan=False, separators=(',', ':')).encode()
    except (TypeError, ValueError, RecursionError) as error:
        problem = find_bad(reply.get('output'), 'result', set()) or 'result cannot be turned into JSON: %s' % error
        return json.dumps(dict(measured, ok=False, kind='nonjson', message=problem)).encode()
    except MemoryError:
        reply.clear()
        message = 'MemoryError while turning the result into JSON'
        return json.dumps(dict(measured, ok=False, kind='memory', message=message, errorType='MemoryError')).encode()
    if len(data) > max_bytes:
        message = 'the result is %d bytes of JSON, more than the local platform carries (%d)' % (len(data), max_bytes)
        return json.dumps(dict(measured, ok=False, kind='nonjson', message=message)).encode()
    return data


def send(replies, data):
    replies.write(len(data).to_bytes(4, 'big'))
    replies.write(data)
    replies.flush()


def receive(requests):
    header = requests.read(4)
    if len(header) < 4:
        return None
    size = int.from_bytes(header, 'big')
    data = requests.read(size)
    return data if len(data) == size else None


def widen(fd):
    # A 1 MiB pipe instead of 64 KiB: a large payload crosses in 16 times fewer wake-ups, which
    # on a busy machine is most of its cost.
    try:
        import fcntl
        fcntl.fcntl(fd, fcntl.F_SETPIPE_SZ, 1 << 20)
    except (ImportError, AttributeError, OSError):
        pass


def die_with_parent():
    try:
        import ctypes, signal
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG, Linux only
    except (ImportError, AttributeError, OSError):
        pass


def serve():
    path, entry, limit, max_frame = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    die_with_parent()
    os.set_inheritable(3, False)
    os.set_inheritable(4, False)
    widen(3)
    widen(4)
    requests = os.fdopen(3, 'rb')
    replies = os.fdopen(4, 'wb')
    sys.argv = [path]
    sys.path.insert(0, os.path.dirname(path))
    try:
        import resource
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass
    try:
        main = load(path, entry)
    except MissingEntry as error:
        send(replies, json.dumps({'init': False, 'message': str(error)}).encode())
        return 1
    except BaseException as error:
        message = 'loading %s failed: %s: %s%s' % (path, type(error).__name__, error, where(error))
        send(replies, json.dumps({'init': False, 'message': message}).encode())
        return 1
    send(replies, b'{"init":true}')
    while True:
        request = receive(requests)
        if request is None:
            return 0
        args = json.loads(request)
        del request
        started = time.monotonic_ns()
        reply = call(main, args)
        del args
        reply['startedAt'] = started / 1e6
        reply['durationMs'] = (time.monotonic_ns() - started) / 1e6
        data = encode(reply, max_frame)
        del reply
        send(replies, data)
        del data


sys.exit(serve())
`;
