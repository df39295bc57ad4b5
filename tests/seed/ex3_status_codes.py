from tray import Flask

app = Flask(__name__)

@app.route('/success')
def success():
    return "All good!", 200  # OK!

@app.route('/not-found')
def not_found():
    return "Oops, we don't have that!", 404

@app.route('/created')
def created():
    return "New item created!", 201
