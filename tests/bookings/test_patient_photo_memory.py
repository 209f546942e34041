"""One upload of the largest photo the upload accepts must not cost a worker half a gigabyte
(issue 28: a 7000×7000 JPEG took a worker from about 190 MB to 730 MB). Measured in a fresh
process by the script the README's Operations section quotes."""

from scripts.photo_upload_memory import make_photo, measure

# What a JPEG of the largest accepted size may add to a worker: the ceiling the README states
# (two uploads at a time, nginx's limit_conn) is computed with the measured figure (~125 MB).
JPEG_CEILING_MB = 200


def test_the_largest_accepted_jpeg_is_turned_into_the_stored_photo_within_its_memory_bound(
    tmp_path,
):
    photo = tmp_path / "big.jpeg"
    make_photo("jpeg-7000x7000", photo)
    result = measure(photo, "after", commit="HEAD")
    added = result["peak_mb"] - result["base_mb"]
    assert result["out_size"] == [3000, 3000]  # the stored photo is still full quality
    assert added < JPEG_CEILING_MB, f"{added:.0f} MB"
