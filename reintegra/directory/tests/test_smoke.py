def test_the_directory_builds(directory):
    assert directory.tailoring.dimensions == ["economic"]
