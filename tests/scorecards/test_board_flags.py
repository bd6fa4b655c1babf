"""The board's cards carry the red flags ticked on scorecards in effect."""

from tests.scorecards.conftest import full_input, submit


def test_board_cards_show_red_flags_of_submitted_scorecards(client, auth, panel):
    submit(panel.interview, panel.first)
    submit(
        panel.interview,
        panel.second,
        full_input(red_flags=("blames_others",)),
    )
    auth.login_as(panel.recruiter)
    board = client.get(f"/jobs/{panel.application.job_id}").text
    column = board.split('aria-label="Technical interviews"')[1].split("</section>")[0]
    assert "1 red flag" in column and "Scorecards 2/2" in column
