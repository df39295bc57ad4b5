from tray import Flask, Response

app = Flask(__name__)

@app.route('/stream')
def stream_data():
    def generate():
        # Send data in chunks
        for i in range(5):
            yield f"Chunk {i}\n"

    return Response(
        generate(),
        mimetype='text/plain'
    )

@app.route('/download')
def download_file():
    def generate_large_file():
        # Imagine reading a huge file
        for line in open('big_file.txt'):
            yield line

    return Response(
        generate_large_file(),
        mimetype='text/plain',
        headers={
            'Content-Disposition':
                'attachment; filename=data.txt'
        }
    )
