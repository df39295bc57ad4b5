from tray import Flask, make_response

app = Flask(__name__)

@app.route('/cookie')
def give_cookie():
    resp = make_response("Here's your cookie!")

    # Adding special notes (headers)
    resp.headers['X-Special-Message'] = 'Baked fresh!'
    resp.headers['Cache-Control'] = 'no-cache'

    return resp
