from tray import (
    Flask, jsonify, make_response,
    redirect, url_for, Response
)

app = Flask(__name__)

@app.route('/')
def home():
    return "Welcome!"

@app.route('/api/data')
def api_data():
    # JSON response with custom header
    data = {"message": "Hello API!"}
    resp = make_response(jsonify(data))
    resp.headers['X-API-Version'] = '1.0'
    return resp

@app.route('/old-api')
def old_api():
    # Redirect to new endpoint
    return redirect(url_for('api_data'))

@app.route('/events')
def events():
    # Streaming response
    def stream():
        for i in range(3):
            yield f"event: {i}\n"
    return Response(stream(), mimetype='text/plain')
