/**
 * The program each Python instance runs (`python3 -u -c PYTHON_RUNNER entry entryPoint limit`),
 * kept here as a string because tsc copies no .py files. It caps the process's memory, loads the
 * action, says whether that worked, then answers one JSON line on fd 4 per JSON line on fd 3.
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


def encode(reply):
    try:
        return json.dumps(reply, allow_nan=False, separators=(',', ':'))
    except (TypeError, ValueError, RecursionError) as error:
        problem = find_bad(reply.get('output'), 'result', set()) or 'result cannot be turned into JSON: %s' % error
        return json.dumps({'ok': False, 'kind': 'nonjson', 'message': problem,
                           'startedAt': reply['startedAt'], 'durationMs': reply['durationMs']})


def send(replies, text):
    replies.write((text + '\n').encode())
    replies.flush()


def die_with_parent():
    try:
        import ctypes, signal
        ctypes.CDLL(None).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG, Linux only
    except (ImportError, AttributeError, OSError):
        pass


def serve():
    path, entry, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
    die_with_parent()
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
        send(replies, json.dumps({'init': False, 'message': str(error)}))
        return 1
    except BaseException as error:
        message = 'loading %s failed: %s: %s%s' % (path, type(error).__name__, error, where(error))
        send(replies, json.dumps({'init': False, 'message': message}))
        return 1
    send(replies, '{"init":true}')
    for line in requests:
        args = json.loads(line)
        started = time.monotonic_ns()
        reply = call(main, args)
        reply['startedAt'] = started / 1e6
        reply['durationMs'] = (time.monotonic_ns() - started) / 1e6
        send(replies, encode(reply))
    return 0


sys.exit(serve())
`;
