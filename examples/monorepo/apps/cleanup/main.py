import os

# flexjob sets FLEXJOB_JOB in every task, and FLEXJOB_TASK_INDEX in each shard of a job with tasks > 1.
job = os.environ.get("FLEXJOB_JOB", "(not run by flexjob)")
index = os.environ.get("FLEXJOB_TASK_INDEX", "0")
print(f"hello from {job}, task {index}: removing expired sessions")
