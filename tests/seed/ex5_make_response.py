from tray import Flask, make_response

app = Flask(__name__)

@app.route('/custom')
def custom_response():
    # Step 1: Create response with content
    resp = make_response("Custom content here")

    # Step 2: Add your custom touches
    resp.status_code = 201
    resp.headers['X-Made-By'] = 'Chef Flask'

    # Step 3: Set a cookie
    resp.set_cookie('visited', 'true')

    return resp
