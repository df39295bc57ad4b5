from tray import Flask, redirect, url_for

app = Flask(__name__)

@app.route('/old-page')
def old_page():
    # Send user to new location
    return redirect('/new-page')

@app.route('/new-page')
def new_page():
    return "Welcome to the new page!"

@app.route('/go-home')
def go_home():
    # Even better: use url_for with redirect
    return redirect(url_for('new_page'))


# The seed's two redirect snippets, each inside a view so they can be served:
@app.route('/moved')
def moved():
    # Permanent redirect (for SEO)
    return redirect('/new-url', code=301)


@app.route('/lunch')
def lunch():
    # Temporary redirect (default)
    return redirect('/temporary-spot', code=302)
