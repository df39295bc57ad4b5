from tray import Flask, url_for

app = Flask(__name__)

@app.route('/user/<username>')
def profile(username):
    return f"Hello, {username}!"

@app.route('/dashboard')
def dashboard():
    # Build URL dynamically
    profile_url = url_for('profile', username='alex')
    # Returns: /user/alex

    return f'Visit profile at: {profile_url}'


# The seed's url_for snippets, served from one view (a /search endpoint is assumed there):
@app.route('/search')
def search():
    return "Searching..."


@app.route('/links')
def links():
    # With url_for (smart)
    link = url_for('profile', username='alex')
    # Add query parameters easily
    search_link = url_for('search', q='flask', page=2)
    # Get absolute URL
    absolute = url_for('profile', username='alex', _external=True)
    return "\n".join([link, search_link, absolute])
