from tray import Flask, Response

app = Flask(__name__)

@app.route('/hello')
def hello():
    # Creating a basic response
    return Response(
        "Hello, World!",
        status=200,
        mimetype='text/plain'
    )
