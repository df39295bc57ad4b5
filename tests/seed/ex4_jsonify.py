from tray import Flask, jsonify

app = Flask(__name__)

@app.route('/user')
def get_user():
    user_data = {
        "name": "Alex",
        "age": 25,
        "hobbies": ["coding", "reading"]
    }

    # jsonify converts Python dict to JSON
    # AND sets correct Content-Type header!
    return jsonify(user_data)
