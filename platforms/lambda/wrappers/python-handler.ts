/**
 * The Lambda handler shipped in every Python function's zip, as `falco_handler.py`. It loads the
 * user's file by path (the default entry file, `__main__.py`, cannot be imported by name), merges
 * the deployment's params under the event, and raises on a returned `{"error": ...}` so that
 * Lambda reports a FunctionError as OpenWhisk would report an application error.
 */
export const PYTHON_HANDLER = `import importlib.util
import json
import os

_HERE = os.path.dirname(os.path.abspath(__file__))

with open(os.path.join(_HERE, "falco.json"), encoding="utf-8") as _file:
    _CONFIG = json.load(_file)


class ActionError(Exception):
    pass


class ActionLoadError(Exception):
    pass


def _load_main():
    path = os.path.join(_HERE, _CONFIG["entryFile"])
    spec = importlib.util.spec_from_file_location("falco_action", path)
    if spec is None or spec.loader is None:
        raise ActionLoadError(f"cannot load {path} as a Python module")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except SyntaxError as error:
        raise ActionLoadError(f"syntax error in {_CONFIG['entryFile']}: {error}") from error
    main = getattr(module, _CONFIG["entryPoint"], None)
    if not callable(main):
        raise ActionLoadError(f"{_CONFIG['entryFile']} does not define a function {_CONFIG['entryPoint']}(args)")
    return main


_main = _load_main()


def _with_params(event):
    if event is None:
        return dict(_CONFIG["params"])
    if not isinstance(event, dict):
        return event
    return {**_CONFIG["params"], **event}


def _message_of(error):
    if isinstance(error, str):
        return error
    if isinstance(error, dict) and isinstance(error.get("message"), str):
        return error["message"]
    return json.dumps(error)


def handler(event, context):
    result = _main(_with_params(event))
    if isinstance(result, dict) and "error" in result:
        raise ActionError(_message_of(result["error"]))
    return result
`;
