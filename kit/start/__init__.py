"""The start page (00): where a person resumes, joins a team session or brings their answers file."""
