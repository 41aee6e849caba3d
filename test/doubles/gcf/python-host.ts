/**
 * Serves one deployed Python function: the Python Functions Framework is not installed here, so
 * this stands in for it with Flask the way the framework uses Flask for an HTTP function (the
 * function gets `flask.request`; its return value goes through `make_response`), on a loopback
 * port. Run as: python3 -c PYTHON_HOST <source dir> <target>. Prints FALCO_DOUBLE_PORT=<port>
 * when ready and exits when its parent closes stdin.
 */
export const PYTHON_HOST = `
import importlib.util
import os
import sys
import threading

import flask
from werkzeug.serving import make_server

source, target = sys.argv[1], sys.argv[2]
sys.path.insert(0, source)
os.chdir(source)


def _exit_with_parent():
    sys.stdin.read()
    os._exit(0)


threading.Thread(target=_exit_with_parent, daemon=True).start()

spec = importlib.util.spec_from_file_location("main", os.path.join(source, "main.py"))
module = importlib.util.module_from_spec(spec)
sys.modules["main"] = module
spec.loader.exec_module(module)
function = getattr(module, target)

app = flask.Flask("falco-double")
methods = ["GET", "POST", "PUT", "DELETE", "PATCH"]


@app.route("/", defaults={"path": ""}, methods=methods)
@app.route("/<path:path>", methods=methods)
def serve(path):
    return flask.make_response(function(flask.request._get_current_object()))


server = make_server("127.0.0.1", 0, app, threaded=True)
print(f"FALCO_DOUBLE_PORT={server.server_port}", flush=True)
server.serve_forever()
`;
